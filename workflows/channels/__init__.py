"""Outbound channels behind one interface, and the send-exactly-once wrapper every send goes through."""
