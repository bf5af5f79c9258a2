from_tfvars      = "terraform.tfvars"
from_tfvars_json = "terraform.tfvars"
a_auto           = "terraform.tfvars"
from_flag        = "terraform.tfvars"
