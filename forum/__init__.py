"""The discussion: specialties, cases, replies, their images on the page, revisions, follows,
notifications, search, and the thread's live events."""
