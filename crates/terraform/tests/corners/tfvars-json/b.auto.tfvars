b_auto = "b.auto.tfvars"
c_auto = "b.auto.tfvars"
