# Issue 16, point 8: a person's request to erase their personal data.

import core.clock
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_security_log'),
    ]

    operations = [
        migrations.CreateModel(
            name='ErasureRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('requested_at', models.DateTimeField(default=core.clock.now, verbose_name='requested')),
                ('state', models.CharField(choices=[('requested', 'Requested'), ('done', 'Erased'), ('refused', 'Refused')], default='requested', max_length=12, verbose_name='state')),
                ('handled_at', models.DateTimeField(blank=True, null=True, verbose_name='handled')),
                ('reason', models.TextField(blank=True, verbose_name='reason')),
                ('handled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='erasure_requests', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'erasure request',
                'verbose_name_plural': 'erasure requests',
                'ordering': ['-requested_at', '-pk'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('state', 'requested')), fields=('user',), name='erasure_request_one_open')],
            },
        ),
    ]
