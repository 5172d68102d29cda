def score_frame(*a, **k): raise NotImplementedError
