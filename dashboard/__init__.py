"""The Solara dashboard (issue 5). Not built yet: the model and CLI come first."""
