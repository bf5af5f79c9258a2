flag_then_file = "second.tfvars"
file_flag_file = "second.tfvars"
