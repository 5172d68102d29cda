// Runs a Python file in Pyodide (the npm package, as xlwings Lite runs Python), offline:
// the wheels given are copied into Pyodide's file system under /wheels for the script to
// unpack. The script defines `async def main()`, which is awaited; what it prints goes
// to stdout.
//
//   node run_pyodide.mjs PYODIDE_DIR SCRIPT.py [WHEEL...]
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, scriptPath, ...wheels] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({
  indexURL: pyodideDir.endsWith("/") ? pyodideDir : pyodideDir + "/",
  stdout: (line) => process.stdout.write(line + "\n"),
  stderr: (line) => process.stderr.write(line + "\n"),
});
pyodide.FS.mkdirTree("/wheels");
for (const wheel of wheels) {
  pyodide.FS.writeFile(`/wheels/${basename(wheel)}`, readFileSync(wheel));
}
try {
  await pyodide.runPythonAsync(readFileSync(scriptPath, "utf8") + "\nawait main()\n");
} catch (error) {
  process.stderr.write(String(error) + "\n");
  process.exit(1);
}
