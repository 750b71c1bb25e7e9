"""Haven's agency directory: load and import agencies, understand needs and places, search and refer."""
