"""The review queue: one open item per thing waiting for a moderator (an image, a held post,
a flagged post, an application), opened and closed by the verbs of the apps that own them."""
