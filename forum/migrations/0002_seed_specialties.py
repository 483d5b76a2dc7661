from django.db import migrations
from django.utils.text import slugify

SPECIALTIES = [
    "General surgery", "Colorectal", "Hernia and abdominal wall", "Hepatobiliary",
    "Upper GI and bariatric", "Vascular", "Cardiothoracic", "Neurosurgery", "Spine",
    "Orthopaedics", "Plastic and reconstructive", "Craniofacial", "ENT", "Urology",
    "Gynaecology", "Paediatric surgery", "Trauma", "Transplant", "Breast", "Endocrine",
    "Robotic surgery",
]


def seed(apps, schema_editor):
    Specialty = apps.get_model("forum", "Specialty")
    for position, name in enumerate(SPECIALTIES):
        Specialty.objects.get_or_create(
            slug=slugify(name), defaults={"name": name, "position": position}
        )


def unseed(apps, schema_editor):
    apps.get_model("forum", "Specialty").objects.filter(
        slug__in=[slugify(name) for name in SPECIALTIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("forum", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
