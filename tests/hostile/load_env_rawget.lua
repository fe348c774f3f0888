-- hostile: rawget past the globals' metatable finds no io either
local io = rawget(_G, "io")
io.open("/etc/passwd")
