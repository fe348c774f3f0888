-- hostile: an error message with newlines and an escape sequence: printed on one line
error("first\nsecond\r\n\27[2Jthird")
