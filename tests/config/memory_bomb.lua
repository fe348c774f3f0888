-- bad: grows a string until the allocator cap refuses
local s = "x"
while true do
  s = s .. s
end
