from decider.cli import main

main()
