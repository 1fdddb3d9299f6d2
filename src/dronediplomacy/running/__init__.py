#: What a run stopped by Ctrl-C or SIGTERM says (exit status 130), during its imports too.
INTERRUPTED = "runner: interrupted; notebooks not yet finished were left as they were."
