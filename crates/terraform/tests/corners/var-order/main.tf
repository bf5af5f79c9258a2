# -var and -var-file are taken in the order given, a later one winning whichever flag it is.
variable "flag_then_file" {}
variable "file_then_flag" {}
variable "file_flag_file" {}
variable "number" {
  type = number
}

resource "terraform_data" "v" {
  input = {
    flag_then_file = var.flag_then_file
    file_then_flag = var.file_then_flag
    file_flag_file = var.file_flag_file
    number         = var.number
  }
}

output "v" {
  value = terraform_data.v.input
}
