"""Quote requests (issue 17.5): one sentence from a peer about the person's influence, which
comes back as kudos on their log."""
