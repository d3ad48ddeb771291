"""What a run shows: the report model, the output formats, the rule book and rule
list, the resolved configuration, and the terminal's colors and progress line."""
