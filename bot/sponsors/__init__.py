"""The sponsor thread (issue 17.2): who could advocate for you in a room you are not in."""
