"""One function per use case, shared by the pages and the command line: read what a page or command needs, apply the rules of domain/, write through store/."""
