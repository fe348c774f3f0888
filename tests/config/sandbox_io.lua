-- bad: the io library is not in the sandbox
local f = io.open("/etc/passwd")
