resource "aws_ecr_repository" "this" {
  name = "shop/app"
}
