"""Reading a content root into the model: settings, students, items, their files."""
