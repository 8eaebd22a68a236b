print("xuanyi")
