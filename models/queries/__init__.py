"""Read-side queries shared by the portal and the CLI: keyword-only functions taking a session."""
