-- bad: load accepts text chunks only, so a binary chunk gives nil
local f = load("\27Lua\84\0")
f()
