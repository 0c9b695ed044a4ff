"""The dashboard: the figures the team is judged by, each defined, charted as SVG with
its data beside it, and downloadable."""
