-- hostile: coroutines are not in the sandbox
local gen = coroutine.wrap(function() while true do coroutine.yield(1) end end)
