// The frame that paints the line: a task queued from a frame callback runs
// after it (the app marks its first screen the same way, start:painted).
requestAnimationFrame(() => setTimeout(() => performance.mark("start:painted")));
