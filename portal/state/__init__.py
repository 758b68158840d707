"""One State per area of the portal, each inheriting the signed-in user from AuthState."""
