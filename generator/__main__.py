from generator.cli import run

if __name__ == "__main__":
    # Help and refusals name the command people type, not `python -m generator`.
    run()
