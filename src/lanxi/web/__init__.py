"""The dashboard: Jinja2 pages and static files served by the API's app (中文 first, English)."""
