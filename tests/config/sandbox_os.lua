-- bad: the os library is not in the sandbox
os.execute("true")
