"""Places: INSEE geographic codes and locating the user from what they type."""
