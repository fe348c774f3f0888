-- hostile: four lazy quantifiers over a long subject in gsub, O(n^4) inside one C call
string.gsub(string.rep("a", 5000), "a-a-a-a-b", "")
