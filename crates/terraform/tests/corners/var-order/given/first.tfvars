file_then_flag = "first.tfvars"
file_flag_file = "first.tfvars"
number         = 1
