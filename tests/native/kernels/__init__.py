"""Tables whose kernels only the sanitized build has (``make check-native`` generates them beside the shipped ones):
together they use every operation of the native writer, so that the fuzz runs every operation's generated C."""
