"""The smart-debug language server (pygls 2.x); built in its own issue."""
