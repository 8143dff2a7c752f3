"""Rule outcomes, the verdict, and the reports people and CI read."""
