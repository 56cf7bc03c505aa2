"""The Gradio web chat over qa's public API: `ui.app.build_app` makes the page, `ui.launcher.serve` runs it."""
