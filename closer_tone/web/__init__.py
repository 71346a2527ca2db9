"""The page `closer-tone serve` shows at /: static HTML, CSS and JavaScript, no build step."""
