from generator.cli import main

if __name__ == "__main__":
    # Help and refusals name the command people type, not `python -m generator`.
    main(prog_name="portfolio")
