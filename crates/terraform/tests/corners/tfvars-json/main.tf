# Variable files in JSON: terraform.tfvars.json after terraform.tfvars, the *.auto.tfvars and
# *.auto.tfvars.json files in name order, then -var-file FILE.json; JSON strings are taken as
# written, not as templates.
variable "from_tfvars" {}
variable "from_tfvars_json" {}
variable "a_auto" {}
variable "b_auto" {}
variable "c_auto" {}
variable "from_flag" {}
variable "literal" {
  type = string
}
variable "shape" {
  type = object({
    count   = number
    enabled = bool
    tags    = map(string)
    zones   = list(string)
  })
}

resource "terraform_data" "v" {
  input = {
    from_tfvars      = var.from_tfvars
    from_tfvars_json = var.from_tfvars_json
    a_auto           = var.a_auto
    b_auto           = var.b_auto
    c_auto           = var.c_auto
    from_flag        = var.from_flag
    literal          = var.literal
    shape            = var.shape
  }
}

output "v" {
  value = terraform_data.v.input
}
