-- hostile: the globals' metatable removed; the absent libraries are still absent
setmetatable(_G, nil)
local f = io.open("/etc/passwd")
