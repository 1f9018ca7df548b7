"""The dialogue's decisions as pure functions: a Turn in, a Reply out."""
