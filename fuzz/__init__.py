"""Coverage-guided fuzzing harnesses (atheris) and their committed corpora; see README.md."""
