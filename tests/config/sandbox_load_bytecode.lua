-- bad: load accepts text chunks only, so precompiled bytecode gives nil and the reason
local f, why = load("\27Lua\84\0\25\147\r\n\26\n")
if not f then error(why) end
f()
