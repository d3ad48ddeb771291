"""Running rules over posts: selecting them (registry), linting one post (linter,
suppressions), fixing it (fixer, edits, safety), and the file loop around them
(files, runner, cache, baseline, atomic writes)."""
