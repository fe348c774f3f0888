-- hostile: a format with a huge field width
local s = string.format("%099999d", 1)
