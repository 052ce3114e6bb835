"""Web copies of what an item shows: responsive pictures, poster frames, PDF thumbnails."""
