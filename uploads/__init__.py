"""Images: the scrubbing pipeline (sandboxed worker, in-memory uploads), and the verbs and
records of each scrubbed image from draft to decision."""
