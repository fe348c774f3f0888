-- bad: dofile is not in the sandbox
dofile("scripts/quick.lua")
