"""Chinese language helpers shared by the customer and the grader: one script and width
(text), the word lists and patterns (words), spaCy spans (spans), days and times (schedule),
question topics (topics)."""
