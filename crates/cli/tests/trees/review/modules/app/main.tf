variable "image_tag" {
  type = string
}

resource "aws_ecs_task_definition" "this" {
  family = "app"
  container_definitions = jsonencode([{
    name  = "app"
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:${var.image_tag}"
  }])
}

resource "aws_ecr_repository" "this" {
  name = "shop/app"
}
